// The connection gater: only peers of the allow list get a connection, in either direction.
// Outbound dials are refused before any socket is opened; inbound connections are refused right
// after the noise handshake, which is the first point where the remote's key is proven. Each
// refusal is reported to `onDeny` (the management plane lists refused peers).
import type { ConnectionGater, PeerId } from '@libp2p/interface';
import type { AllowList } from './allow-list.js';

export function allowListGater(allow: AllowList, onDeny?: (peerId: string) => void): ConnectionGater {
  const deny = (peer: PeerId): boolean => {
    const denied = !allow.isAllowed(peer.toString());
    if (denied) onDeny?.(peer.toString());
    return denied;
  };
  return {
    denyDialPeer: deny,
    denyInboundEncryptedConnection: deny,
    denyOutboundEncryptedConnection: deny,
    denyInboundUpgradedConnection: deny,
    denyOutboundUpgradedConnection: deny,
    // Loopback and private addresses are the norm for a city's own cluster; the key check above
    // is what keeps strangers out, so addresses are not filtered.
    denyDialMultiaddr: () => false,
  };
}
