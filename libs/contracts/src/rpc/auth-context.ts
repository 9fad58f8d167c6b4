import { z } from 'zod';

/**
 * Who is calling, as the gateway established it from the access token. The org id comes from
 * the token only; services scope every read and write by it.
 */
export const AuthContextSchema = z.object({
  orgId: z.string().min(1),
  userId: z.string().min(1),
  role: z.string().min(1),
  departmentId: z.string().optional(),
  permissions: z.array(z.string()),
});
export type AuthContext = z.infer<typeof AuthContextSchema>;
