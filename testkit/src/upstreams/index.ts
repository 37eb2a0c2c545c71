export { sendJson } from './answers';
export { startFakeDashboard, type DashboardEvent, type FakeDashboard } from './agents';
export { writeConnectorConfig, type Upstreams } from './connector-config';
export {
  agentRestarting,
  approvalAdded,
  approvalResolved,
  newTicket,
  ticketMove,
  ticketUrl,
  type Ticket,
} from './events';
export { startFakeRpcDaemon, type FakeRpcDaemon } from './jsonrpc';
export type { FakeUpstream } from './streaming-upstream';
export { startFakeTracker, type FakeTracker } from './tracker';
