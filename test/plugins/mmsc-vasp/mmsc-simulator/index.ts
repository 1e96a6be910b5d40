export { MmscSimulator, type Answer, type Rejected, type SentReport, type SimulatorOptions, type Submission } from './simulator.ts';
export {
  address,
  deliver,
  deliveryReport,
  postRaw,
  readReply,
  smilFor,
  type DeliverOptions,
  type DeliverPart,
  type ReportOptions,
  type RawOptions,
  type RequestStyle,
} from './client.ts';
export { parseDeliverRequest, readSubmitReq, rspFor, type DeliverRequest, type ReportRequest, type SubmitFields } from './requests.ts';
export { MM7_RELEASES, Mm7Reject, STATUS_TEXT, namespaceOf, readAnswer, readEnvelope, type Mm7Address, type Mm7Answer, type Mm7Release } from './mm7.ts';
export { parseMultipart, type MimePart } from './mime.ts';
