// Which listen addresses stay on this machine. Every program binds to loopback unless its config
// says otherwise, and a port configured off loopback must authenticate its callers (mutual TLS or a
// token): that decision needs one definition of "loopback", shared here.

/** True for 127.0.0.0/8, ::1 (with or without brackets) and localhost; 0.0.0.0 and :: are not. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The host of "host:port" (IPv6 in brackets), without the brackets. */
export function hostOf(address: string): string {
  if (address.startsWith('[')) return address.slice(1, address.indexOf(']'));
  const colon = address.lastIndexOf(':');
  return colon < 0 ? address : address.slice(0, colon);
}

/** True when "host:port" binds to a loopback address. */
export function isLoopbackAddress(address: string): boolean {
  return isLoopbackHost(hostOf(address));
}

/** True when every TCP listen multiaddr (/ip4/<a>/tcp/<p>, /ip6/<a>/tcp/<p>) names a loopback address. */
export function isLoopbackMultiaddr(addr: string): boolean {
  const m = /^\/(ip4|ip6|dns4|dns6|dns)\/([^/]+)\//.exec(addr);
  return m !== null && isLoopbackHost(m[2]!);
}
