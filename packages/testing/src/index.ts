export { launchChromium } from './chromium.js';
export { freePort, waitFor } from './free-port.js';
export { type LatchProcess, startLatchProcess } from './latch-process.js';
export { type RedisCluster, type RedisClusterOptions, startRedisCluster } from './redis-cluster.js';
export { type RedisServer, startRedisServer } from './redis-server.js';
