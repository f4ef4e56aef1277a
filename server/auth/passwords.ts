import bcrypt from 'bcrypt';

export const hashPassword = (password: string, cost: number) => bcrypt.hash(password, cost);
export const verifyPassword = (password: string, hash: string) => bcrypt.compare(password, hash);

// Compared against when the email is unknown, so a miss costs as long as a hit (no user enumeration).
const dummyHashes = new Map<number, Promise<string>>();
export function burnPasswordCheck(password: string, cost: number): Promise<boolean> {
  let h = dummyHashes.get(cost);
  if (!h) dummyHashes.set(cost, (h = bcrypt.hash('not-a-password', cost)));
  return h.then((hash) => bcrypt.compare(password, hash));
}
