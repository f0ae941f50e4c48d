import { MemorySessionStore } from '../src/session/memory-session-store.js';
import { contractTimeouts, sessionStoreContract } from './session-store.contract.js';

sessionStoreContract(
  'memory',
  async () => new MemorySessionStore(contractTimeouts),
  (store) => store.close(),
);
