// The events of the P2P service, typed. Listeners run synchronously in emit order; a listener
// that throws does not stop the others or the network layer (it is reported to `onListenerError`).
import type { InboundMessage, MessageKind } from './inbound.js';

export interface PeerEvent {
  peerId: string;
  /** Index in the validator set; undefined for an observer. */
  validatorIndex: number | undefined;
  /** Validators connected after this event (health: is a quorum reachable?). */
  connectedValidators: number;
}

/** A peer joined or left a topic; `count` is the topic's subscribed peers now. */
export interface SubscribersEvent {
  kind: MessageKind;
  count: number;
}

export interface P2PEventMap {
  'peer:connect': PeerEvent;
  'peer:disconnect': PeerEvent;
  subscribers: SubscribersEvent;
  message: InboundMessage;
}

type Listener<K extends keyof P2PEventMap> = (ev: P2PEventMap[K]) => void;

export class P2PEvents {
  private readonly listeners: { [K in keyof P2PEventMap]: Set<Listener<K>> } = {
    'peer:connect': new Set(),
    'peer:disconnect': new Set(),
    subscribers: new Set(),
    message: new Set(),
  };

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  on<K extends keyof P2PEventMap>(name: K, fn: Listener<K>): () => void {
    this.listeners[name].add(fn);
    return () => this.off(name, fn);
  }

  off<K extends keyof P2PEventMap>(name: K, fn: Listener<K>): void {
    this.listeners[name].delete(fn);
  }

  emit<K extends keyof P2PEventMap>(name: K, ev: P2PEventMap[K]): void {
    for (const fn of this.listeners[name]) {
      try {
        fn(ev);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
