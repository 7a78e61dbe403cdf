// The actions the Governance page may propose (console/propose.ts): each parsed into the action
// the console signs, every bad field refused by name before anything is signed.
import { describe, expect, it } from 'vitest';
import { ConsoleActions } from '../../../console/actions.js';
import { ConsoleError, ConsoleErrorCode } from '../../../console/errors.js';
import { proposalAction } from '../../../console/propose.js';
import { ProvenReads } from '../../../console/proven-reads.js';
import { toHex } from '../../../crypto/bytes.js';
import { keyPair } from '../store/fixtures.js';

const k = (i: number): string => toHex(keyPair(i).publicKey);
const site = 'ab'.repeat(16);

describe('proposable actions', () => {
  it('parses the page’s JSON into the action signed', () => {
    const admins = proposalAction({ type: 'setAdmins', admins: [k(1), k(2)], threshold: 2 });
    expect(admins.type === 'setAdmins' && admins.admins.map(toHex)).toEqual([k(1), k(2)]);
    expect(admins.type === 'setAdmins' && admins.threshold).toBe(2);
    const vals = proposalAction({ type: 'setValidators', validators: [k(3)], activateAt: 50 });
    expect(vals.type === 'setValidators' && vals.validators.map((v) => toHex(v.publicKey))).toEqual([k(3)]);
    for (const type of ['suspendSite', 'resumeSite', 'revokeSite'] as const) {
      const a = proposalAction({ type, siteKeyId: site });
      expect(a.type).toBe(type);
      expect('siteKeyId' in a && toHex(a.siteKeyId)).toBe(site);
    }
  });

  it('refuses a bad field by name', () => {
    const refused = (j: unknown, field: RegExp) => {
      expect(() => proposalAction(j)).toThrow(ConsoleError);
      expect(() => proposalAction(j)).toThrow(field);
    };
    refused([], /action/);
    refused({ type: 'setParams', params: {} }, /activateAt: missing/);
    refused({ type: 'registerCounterparty' }, /action.type/);
    refused({ type: 'setAdmins', admins: [k(1)], threshold: 2 }, /threshold/);
    refused({ type: 'setAdmins', admins: [k(1), k(1)], threshold: 1 }, /twice/);
    refused({ type: 'setAdmins', admins: [], threshold: 1 }, /admins/);
    refused({ type: 'setAdmins', admins: [k(1).slice(2)], threshold: 1 }, /admins\[0\]/);
    refused({ type: 'setValidators', validators: [k(1)], activateAt: 1.5 }, /activateAt/);
    refused({ type: 'revokeSite', siteKeyId: 'zz'.repeat(16) }, /siteKeyId/);
    refused({ type: 'revokeSite', siteKeyId: site, extra: 1 }, /unknown field extra/);
  });

  it('checks the action before signing, and only with an admin key', async () => {
    const reads = new ProvenReads(() => [], undefined);
    const withKey = new ConsoleActions([], keyPair(50), reads);
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: unknown) => (e instanceof ConsoleError ? e.code : String(e)),
      );
    expect(await code(withKey.propose({ type: 'revokeSite', siteKeyId: 'x' }))).toBe(
      ConsoleErrorCode.BadRequest,
    );
    // A good action reaches the submission, which finds no node.
    expect(await code(withKey.propose({ type: 'revokeSite', siteKeyId: site }))).toBe(
      ConsoleErrorCode.Unavailable,
    );
    expect(await code(new ConsoleActions([], undefined, reads).propose({}))).toBe(ConsoleErrorCode.Forbidden);
  });
});
