import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { permissionMatrix, README, readmeMatrix } from '../../scripts/permission-matrix.js';
import { PERMISSIONS, ROLES } from '../../shared/permissions.js';

describe('README permission matrix', () => {
  it('is the table generated from shared/permissions.ts (fix: npm run permissions:readme)', async () => {
    const inReadme = readmeMatrix(await readFile(README, 'utf8'));
    expect(inReadme, 'README.md lacks the permission-matrix markers').not.toBeNull();
    expect(inReadme).toBe(permissionMatrix());
  });

  it('has one column per role and one row per permission', () => {
    const lines = permissionMatrix().trim().split('\n');
    expect(lines).toHaveLength(PERMISSIONS.length + 2);
    for (const line of lines) expect(line.split('|').length - 2).toBe(ROLES.length + 1);
    // admin holds everything, viewer nothing: the two ends of the table.
    const body = lines.slice(2).map((l) => l.split('|').slice(2, -1).map((c) => c.trim()));
    expect(body.every((cells) => cells[0] === 'yes' && cells[ROLES.length - 1] === '')).toBe(true);
  });
});
