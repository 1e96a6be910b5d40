// nowsms/testing: what a plug-in's tests need to run it in a real gateway. Test-runner neutral (vitest,
// node:test, ...): nothing here depends on one. See docs/plugins.md, "Testing".
export { startTestGateway, type TestGateway, type TestGatewayOptions } from './gateway.ts';
export {
  scriptedConnection,
  type ScriptedConnection,
  type ScriptedConnectionOptions,
  type ScriptedFailure,
  type ScriptedReceive,
  type ScriptedSend,
} from './scripted-connection.ts';
export { startGatewayProcess, NOWSMS_BIN, type GatewayProcess, type GatewayProcessOptions } from './process.ts';
export type { ChangeMatch, WaitOptions } from './events.ts';
export { waitFor } from './wait.ts';
export { freePort } from './free-port.ts';
