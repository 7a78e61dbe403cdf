// GovernanceAction <-> JSON for storing open proposals in contract state (bytes as hex).
import type { ChainParams, CityCode, GovernanceAction } from '../codec/types.js';
import { hex, unhex } from './records.js';
import type { Json } from './state.js';

type JsonObject = { [k: string]: Json };

export function actionToJson(a: GovernanceAction): JsonObject {
  switch (a.type) {
    case 'registerSite':
      return {
        type: a.type,
        publicKey: hex(a.publicKey),
        country: a.country,
        city: { scheme: a.city.scheme, code: a.city.code },
        siteId: hex(a.siteId),
        kpiCodes: [...a.kpiCodes],
      };
    case 'suspendSite':
    case 'resumeSite':
    case 'revokeSite':
      return { type: a.type, siteKeyId: hex(a.siteKeyId) };
    case 'rotateSiteKey':
      return { type: a.type, siteKeyId: hex(a.siteKeyId), newPublicKey: hex(a.newPublicKey) };
    case 'addScpKey':
      return { type: a.type, publicKey: hex(a.publicKey), notBefore: a.notBefore, notAfter: a.notAfter };
    case 'retireScpKey':
      return { type: a.type, scpKeyId: hex(a.scpKeyId) };
    case 'setParams':
      return { type: a.type, params: { ...a.params }, activateAt: a.activateAt };
    case 'setValidators':
      return {
        type: a.type,
        validators: a.validators.map((v) => hex(v.publicKey)),
        activateAt: a.activateAt,
      };
    case 'setAdmins':
      return { type: a.type, admins: a.admins.map(hex), threshold: a.threshold };
    case 'registerCounterparty':
      return {
        type: a.type,
        clientId: a.clientId,
        trustedHeader: hex(a.trustedHeader),
        validators: a.validators.map(hex),
        trustingPeriodMs: a.trustingPeriodMs,
        maxClockDriftMs: a.maxClockDriftMs,
        relayers: a.relayers.map(hex),
      };
    case 'recoverClient':
      return { type: a.type, clientId: a.clientId, substituteId: a.substituteId };
  }
}

/** Every field any action's JSON can carry; each action reads only its own. */
interface ActionJson {
  type: GovernanceAction['type'];
  publicKey: string;
  newPublicKey: string;
  country: number;
  city: CityCode;
  siteId: string;
  kpiCodes: number[];
  siteKeyId: string;
  scpKeyId: string;
  notBefore: number;
  notAfter: number;
  params: ChainParams;
  activateAt: number;
  validators: string[];
  admins: string[];
  threshold: number;
  clientId: number;
  substituteId: number;
  trustedHeader: string;
  trustingPeriodMs: number;
  maxClockDriftMs: number;
  relayers: string[];
}

/** Inverse of actionToJson; the input was written by actionToJson, so its shape is trusted. */
export function actionFromJson(j: Json): GovernanceAction {
  const o = j as unknown as ActionJson;
  switch (o.type) {
    case 'registerSite':
      return {
        type: 'registerSite',
        publicKey: unhex(o.publicKey),
        country: o.country,
        city: o.city,
        siteId: unhex(o.siteId),
        kpiCodes: o.kpiCodes,
      };
    case 'suspendSite':
    case 'resumeSite':
    case 'revokeSite':
      return { type: o.type, siteKeyId: unhex(o.siteKeyId) };
    case 'rotateSiteKey':
      return { type: 'rotateSiteKey', siteKeyId: unhex(o.siteKeyId), newPublicKey: unhex(o.newPublicKey) };
    case 'addScpKey':
      return {
        type: 'addScpKey',
        publicKey: unhex(o.publicKey),
        notBefore: o.notBefore,
        notAfter: o.notAfter,
      };
    case 'retireScpKey':
      return { type: 'retireScpKey', scpKeyId: unhex(o.scpKeyId) };
    case 'setParams':
      return { type: 'setParams', params: o.params, activateAt: o.activateAt };
    case 'setValidators':
      return {
        type: 'setValidators',
        validators: o.validators.map((k) => ({ publicKey: unhex(k) })),
        activateAt: o.activateAt,
      };
    case 'setAdmins':
      return { type: 'setAdmins', admins: o.admins.map(unhex), threshold: o.threshold };
    case 'registerCounterparty':
      return {
        type: 'registerCounterparty',
        clientId: o.clientId,
        trustedHeader: unhex(o.trustedHeader),
        validators: o.validators.map(unhex),
        trustingPeriodMs: o.trustingPeriodMs,
        maxClockDriftMs: o.maxClockDriftMs,
        relayers: o.relayers.map(unhex),
      };
    case 'recoverClient':
      return { type: 'recoverClient', clientId: o.clientId, substituteId: o.substituteId };
  }
}
