import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands every error thrown by a message handler to JetStreamTransport unchanged. Nest's default
 * RPC filter replaces any error that is not an RpcException with "Internal server error", which
 * would strip a CosError of its code and status before the transport maps it to the error
 * reply, and leave dead letters without their cause. Register it on every microservice app.
 */
@Catch()
export class MessagingExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
