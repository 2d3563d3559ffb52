/** A session ends this long after sign-in, however busy it is: a stolen cookie does not live forever. */
export const SESSION_MAX_AGE_MS = 14 * 86_400_000;

/** A session unused for this long ends too (a desk left signed in on a shared computer). */
export const SESSION_IDLE_MS = 2 * 86_400_000;

/** last_seen_at is written at most this often: recording every page view would make every read a write. */
export const SESSION_TOUCH_MS = 60_000;
