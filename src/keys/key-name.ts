import { z } from 'zod';

/** A key's name, a label for people: the admin API and the desk take it by the same rule. */
export const KeyName = z.string().trim().min(1).max(100);
