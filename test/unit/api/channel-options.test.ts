// The client's channel options: grpc-js's reconnect backoff bounded (its default grows to 120 s,
// longer than a site's upload backoff), overridable by the caller, and handed to the grpc channel
// the client really uses (seen through grpc-js's public channelFactoryOverride).
import { Channel, type ChannelOptions } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { channelOptionsOf, defaultReconnectBackoffMs } from '../../../api/client.js';
import { defaultApiLimits } from '../../../api/limits.js';
import { status } from './fake-node.js';
import { startRig } from './harness.js';

/** Channel options that record what grpc-js builds the client's channel with. */
function recording(extra: ChannelOptions = {}): { options: ChannelOptions; seen: ChannelOptions[] } {
  const seen: ChannelOptions[] = [];
  return {
    seen,
    options: {
      ...extra,
      channelFactoryOverride: (address: string, creds: never, o: ChannelOptions) => {
        seen.push({ ...o });
        return new Channel(address, creds, o);
      },
    },
  };
}

describe('client channel options', () => {
  it('bound the reconnect backoff to 1 s .. 5 s and keep the message size caps', () => {
    expect(defaultReconnectBackoffMs).toEqual({ initial: 1_000, max: 5_000 });
    expect(channelOptionsOf()).toEqual({
      'grpc.max_receive_message_length': defaultApiLimits.maxSendBytes,
      'grpc.max_send_message_length': defaultApiLimits.maxReceiveBytes,
      'grpc.initial_reconnect_backoff_ms': 1_000,
      'grpc.max_reconnect_backoff_ms': 5_000,
    });
  });

  it('let the caller override a bound without losing the others', () => {
    const o = channelOptionsOf({ 'grpc.max_reconnect_backoff_ms': 30_000 });
    expect(o['grpc.max_reconnect_backoff_ms']).toBe(30_000);
    expect(o['grpc.initial_reconnect_backoff_ms']).toBe(1_000);
    expect(o['grpc.max_receive_message_length']).toBe(defaultApiLimits.maxSendBytes);
  });

  it('reach the grpc channel the client calls through', async () => {
    const r = recording();
    const rig = await startRig({}, { channelOptions: r.options });
    try {
      expect((await rig.client.getStatus()).height).toBe(status.height);
      expect(r.seen).toHaveLength(1);
      expect(r.seen[0]).toMatchObject({
        'grpc.initial_reconnect_backoff_ms': 1_000,
        'grpc.max_reconnect_backoff_ms': 5_000,
      });
    } finally {
      await rig.close();
    }
  });

  it('reach the grpc channel with the caller\u2019s override', async () => {
    const r = recording({ 'grpc.max_reconnect_backoff_ms': 250, 'grpc.initial_reconnect_backoff_ms': 100 });
    const rig = await startRig({}, { channelOptions: r.options });
    try {
      await rig.client.getStatus();
      expect(r.seen[0]).toMatchObject({
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 250,
      });
    } finally {
      await rig.close();
    }
  });
});
