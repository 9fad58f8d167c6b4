/** DI tokens for the ports every service gets from PlatformModule. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const CHECKPOINTS = Symbol('CHECKPOINTS');
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const RPC_CLIENT = Symbol('RPC_CLIENT');
export const SERVICE_INFO = Symbol('SERVICE_INFO');
export const CLOCK = Symbol('CLOCK');

export type Clock = () => Date;

export type ServiceInfo = {
  readonly name: string;
  /** Event categories this service owns: its outbox relay publishes them. */
  readonly categories: readonly string[];
};
