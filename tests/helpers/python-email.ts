import { spawnSync } from 'node:child_process';

/** One mailbox as Python's `email` package reads it. */
export interface StrictMailbox {
  name: string;
  address: string;
}

export interface StrictHeaders {
  from: StrictMailbox[];
  to: StrictMailbox[];
  /** Every defect the strict policy noted on From or To (an empty list for a clean message). */
  defects: string[];
}

// Reads a message from stdin with policy.strict (which raises on the defects it cannot recover
// from) and reports the addresses and any remaining defects of From and To as JSON.
const SCRIPT = `
import email, email.policy, json, sys
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.strict)
out = {"defects": [str(d) for d in msg.defects]}
for key in ("from", "to"):
    header = msg[key]
    out[key] = [{"name": a.display_name, "address": a.addr_spec} for a in header.addresses] if header is not None else []
    out["defects"] += ["%s: %r" % (key, d) for d in (header.defects if header is not None else [])]
print(json.dumps(out))
`;

/**
 * Parses a raw message with Python's strict email parser, a judge nobody on the project wrote.
 * Throws (so the test fails, never skips) when python3 is missing or the parser refuses the mail.
 */
export function parseStrict(raw: string): StrictHeaders {
  const run = spawnSync('python3', ['-c', SCRIPT], { input: raw, encoding: 'utf8' });
  if (run.error) throw new Error(`python3 is needed to check mail with Python's strict email parser: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`Python's strict email parser refused the message:\n${run.stderr}`);
  return JSON.parse(run.stdout) as StrictHeaders;
}
