// The codec's public surface in one import. Modules may also be imported one by one.
export * from './block.js';
export * from './block-view.js';
export * from './caps.js';
export * from './certificate.js';
export * from './city.js';
export * from './contract-call.js';
export * from './envelope.js';
export * from './envelope-view.js';
export * from './errors.js';
export * from './extension.js';
export * from './kpi-record.js';
export * from './reader.js';
export * from './sealed-packet.js';
export * from './signing.js';
export * from './storage-record.js';
export * from './types.js';
export * from './writer.js';
