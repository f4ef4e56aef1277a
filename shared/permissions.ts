// The one permission table. Routes, socket handlers and the console menu all ask `can(role, permission)`.
// Public data (meets, events, start lists, results, standings) needs no permission at all: spectators
// never log in.

export const ROLES = ['admin', 'chief_registrar', 'registrar', 'starter', 'coach', 'athlete', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'athletes:read', // full athlete records (contact details); the public sees names in start lists only
  'athletes:write',
  'athletes:read_own', // an athlete's own profile
  'meets:write', // meets, events, heats and lane assignments
  'entries:read', // every entry with its status and check-in
  'entries:read_coached', // entries of the athletes a coach coaches
  'entries:read_own',
  'entries:write', // entries, bibs, check-in
  'results:write', // enter results, start and finish heats
  'heats:reopen', // reopen an official heat
  'users:manage',
  'audit:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const REGISTRAR: Permission[] = ['athletes:read', 'athletes:write', 'entries:read', 'entries:write'];

export const PERMISSION_TABLE: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  chief_registrar: [...REGISTRAR, 'meets:write', 'results:write', 'heats:reopen'],
  registrar: REGISTRAR,
  starter: ['results:write'],
  coach: ['entries:read_coached'],
  athlete: ['athletes:read_own', 'entries:read_own'],
  viewer: [],
};

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return role != null && PERMISSION_TABLE[role].includes(permission);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
