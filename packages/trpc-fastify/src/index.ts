export { type TrpcFastifyPluginOptions, trpcFastifyPlugin } from './plugin.js';
