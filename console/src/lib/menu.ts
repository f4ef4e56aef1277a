// The console's screens and the permission each needs (shared/permissions.ts decides who holds it).
import type { Permission } from '../../../shared/permissions.js';

export interface MenuItem {
  path: string;
  label: string;
  permission: Permission;
}

export const MENU: readonly MenuItem[] = [
  { path: '/starter', label: 'Starter', permission: 'results:write' },
  { path: '/athletes', label: 'Athletes', permission: 'athletes:read' },
  { path: '/meets', label: 'Meets & events', permission: 'meets:write' },
  { path: '/heats', label: 'Heats', permission: 'meets:write' },
  { path: '/entries', label: 'Entries', permission: 'entries:read' },
  { path: '/call-room', label: 'Call room', permission: 'entries:write' },
  { path: '/users', label: 'Users', permission: 'users:manage' },
  { path: '/audit', label: 'Audit log', permission: 'audit:read' },
];

/** The menu item a path belongs to (its first segment). */
export function menuItemOf(path: string): MenuItem | undefined {
  const first = `/${path.split('/').filter(Boolean)[0] ?? ''}`;
  return MENU.find((m) => m.path === first);
}
