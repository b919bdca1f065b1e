// The simulation feature's public entry: the group page's three tabs. Everything else in the
// feature is internal (eslint forbids app/ to import past this file); what the feature shares
// with live traffic and the builder (the flow diagram and its counters) is in components/flow/.
export { HistoryTab } from './components/HistoryTab';
export { LiveTester } from './components/LiveTester';
export { SimulatorTab } from './components/SimulatorTab';
