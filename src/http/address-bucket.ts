/**
 * The key a per-client limit counts under. An IPv6 host is normally given a whole /64 (SLAAC,
 * privacy addresses), so keying by the full address would give one client 2^64 budgets: IPv6 is
 * keyed by its /64. An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, what a dual-stack socket
 * reports for IPv4 peers) is the IPv4 address. Anything unparseable counts under itself.
 * Pure string work, so it runs on every runtime.
 */
export function addressBucket(ip: string): string {
  const groups = ipv6Groups(ip);
  if (!groups) return ip;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi, lo] = [groups[6]!, groups[7]!];
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEXTET = /^[0-9a-f]{1,4}$/;

/** The eight 16-bit groups of an IPv6 address (brackets and zone allowed), or null. */
function ipv6Groups(input: string): number[] | null {
  const address = input.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '').toLowerCase();
  if (!address.includes(':')) return null;
  // A dotted IPv4 tail (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) stands for the last two groups.
  let head = address;
  const tail: number[] = [];
  const lastColon = address.lastIndexOf(':');
  const dotted = IPV4.exec(address.slice(lastColon + 1));
  if (dotted) {
    const bytes = dotted.slice(1).map(Number);
    if (bytes.some((b) => b > 255)) return null;
    tail.push((bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!);
    head = address.slice(0, address.endsWith(`::${dotted[0]}`) ? lastColon + 1 : lastColon);
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groupsOf(halves[0]!);
  const right = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (![...left, ...right].every((g) => HEXTET.test(g))) return null;
  const given = left.length + right.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return null;
  const hex = (groups: string[]) => groups.map((g) => parseInt(g, 16));
  return [...hex(left), ...new Array<number>(8 - given).fill(0), ...hex(right), ...tail];
}
