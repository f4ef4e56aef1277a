import { z } from 'zod';
import { ROLES } from '../permissions.js';
import { Email, Id, line, nonEmpty } from './common.js';

export const Role = z.enum(ROLES);
export const MIN_PASSWORD_LENGTH = 10;
export const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200);

export const LoginBody = z.strictObject({ email: Email, password: z.string().min(1).max(200) });

export const PublicUser = z.object({ id: Id, name: z.string(), email: z.string(), role: Role });
export type PublicUser = z.infer<typeof PublicUser>;

export const LoginReply = z.object({ token: z.string(), user: PublicUser, expiresAt: z.string() });
export type LoginReply = z.infer<typeof LoginReply>;

export const UserStatus = z.enum(['active', 'suspended']);

export const UserCreate = z.strictObject({ name: line(200), email: Email, password: Password, role: Role });
export const UserPatch = nonEmpty(
  z.strictObject({
    name: line(200).optional(),
    role: Role.optional(),
    status: UserStatus.optional(),
    password: Password.optional(),
  }),
);

export const User = PublicUser.extend({
  status: UserStatus,
  twoFactorEnabled: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type User = z.infer<typeof User>;

export const UserQuery = z.strictObject({
  q: z.string().trim().max(200).optional(),
  role: Role.optional(),
  status: UserStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
