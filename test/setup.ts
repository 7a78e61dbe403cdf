// Loaded by vitest before every test file: libp2p's dependencies need Promise.withResolvers,
// which Node 20 lacks.
import '../node/polyfill.js';
