export { SmscSimulator, type SimulatorOptions, type Submit, type SubmitFault, type Recorded, type BindRole } from './simulator.ts';
export { moFields, receiptText, type MoOptions, type LongForm, type ReceiptOptions } from './messages.ts';
