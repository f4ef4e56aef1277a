// One error shape over HTTP and sockets: { code, message, field? }. Client mistakes are 4xx, never 5xx.
import postgres from 'postgres';
import { isRedisUnavailable } from './cache/redis.js';

export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly field?: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, field?: string) => new AppError(400, 'invalid_input', message, field);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, field?: string) => new AppError(409, 'conflict', message, field);
export const forbidden = (message = 'your role may not do this') => new AppError(403, 'forbidden', message);
export const unauthorized = (message = 'sign in first') => new AppError(401, 'unauthorized', message);

// Constraint name -> the API field it guards, so a 409 or 400 can point at the right input.
const CONSTRAINT_FIELDS: Record<string, string> = {
  users_email_ci: 'email',
  meet_athletes_meet_id_bib_key: 'bib',
  meet_athletes_pkey: 'athleteId',
  entries_event_id_athlete_id_key: 'athleteId',
  heat_lanes_heat_id_lane_key: 'lane',
  heat_lanes_entry_id_round_key: 'entryId',
  heat_lanes_pkey: 'entryId',
  athletes_user_id_key: 'userId',
  heats_event_id_round_number_key: 'number',
  heats_number_check: 'number',
  athletes_coach_user_id_fkey: 'coachUserId',
  athletes_user_id_fkey: 'userId',
  athletes_birth_date_check: 'birthDate',
  meet_athletes_athlete_id_fkey: 'athleteId',
  entries_meet_id_athlete_id_fkey: 'athleteId',
  heat_lanes_entry_id_event_id_fkey: 'entryId',
  meets_check: 'endDate',
  meets_points_scheme_check: 'pointsScheme',
};
const CONSTRAINT_MESSAGES: Record<string, string> = {
  users_email_ci: 'a user with this email already exists',
  meet_athletes_meet_id_bib_key: 'this bib is already worn by another athlete in this meet',
  entries_event_id_athlete_id_key: 'this athlete is already entered in this event',
  heat_lanes_heat_id_lane_key: 'two entries cannot share a lane',
  heat_lanes_entry_id_round_key: 'an entry runs in one heat per round',
  athletes_user_id_key: 'this user account is already linked to another athlete',
  meet_athletes_pkey: 'this athlete already has a bib in this meet',
  heats_event_id_round_number_key: 'a heat with this number already exists in this round',
};

/** Turns database constraint errors caused by client input into 4xx; anything else stays a 5xx. */
export function fromDatabaseError(err: unknown): AppError | undefined {
  if (!(err instanceof postgres.PostgresError)) return undefined;
  const c = err.constraint_name ?? '';
  const field = CONSTRAINT_FIELDS[c];
  switch (err.code) {
    case '23505': // unique_violation
      return conflict(CONSTRAINT_MESSAGES[c] ?? `already exists (${c})`, field);
    case '23503': // foreign_key_violation
      return err.message.includes('is still referenced')
        ? conflict('still in use by other records', field)
        : badRequest(`refers to something that does not exist (${err.detail ?? c})`, field);
    case '23514': // check_violation
    case '23502': // not_null_violation
    case '22001': // string_data_right_truncation
    case '22003': // numeric_value_out_of_range
    case '22007': // invalid_datetime_format
    case '22008': // datetime_field_overflow
    case '22021': // character_not_in_repertoire: a NUL character in text
      return badRequest(`value refused by the database: ${c || err.message}`, field ?? err.column_name);
    default:
      return undefined;
  }
}

// Connection-level failures of PostgreSQL: the write was not done, and the client may retry.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004',
]);

export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE_CODES.has(code);
}

/** Any error as the API reports it: known client mistakes and retryable outages; else undefined (a 5xx). */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (isUnavailable(err)) return new AppError(503, 'unavailable', 'the results database is unavailable right now: retry shortly (nothing was saved)');
  // What still needs Redis when it is away (sign-in counts failures there, sign-out clears the shared
  // session cache) is refused as retryable too, never as an internal error.
  if (isRedisUnavailable(err)) return new AppError(503, 'unavailable', 'a shared service of the hub is unavailable right now: retry shortly');
  return fromDatabaseError(err);
}
