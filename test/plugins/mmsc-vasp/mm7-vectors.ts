// The Sinch MM7 examples of ../shared/vectors/mm7 as HTTP bodies: the .http files are whole HTTP messages
// (LF line ends as published): headers split off, the Content-Type header kept (folded lines joined).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VECTORS_DIR, readVectors } from '../../helpers/vectors.ts';
import type { Mm7Http } from '../../../plugins/mmsc-vasp/mm7/index.ts';

export interface Mm7Example {
  file: string;
  kind: 'soap-xml' | 'http-request' | 'http-response';
  mm7_operation: string;
  fields_extracted: Record<string, string>;
  http_content_type?: string;
  parts_content_types?: string[];
}

export const MM7_DIR = path.join(VECTORS_DIR, 'mm7');

export function mm7Examples(): Mm7Example[] {
  return readVectors<{ examples: Mm7Example[] }>('mm7/mm7_examples.json').examples;
}

/** The example as an HTTP body; `crlf` turns the LF line ends of the .http files into CRLF, as on the wire. */
export function exampleHttp(file: string, crlf: boolean): Mm7Http {
  const raw = readFileSync(path.join(MM7_DIR, file), 'latin1');
  if (!file.endsWith('.http')) return { contentType: 'text/xml; charset=utf-8', body: Buffer.from(crlf ? raw.replace(/\r?\n/g, '\r\n') : raw, 'latin1') };
  const split = raw.indexOf('\n\n');
  const head = raw.slice(0, split).replace(/\n[ \t]+/g, ' ');
  const body = raw.slice(split + 2);
  const contentType = /^content-type:[ \t]*(.*)$/im.exec(head)![1]!.trim();
  return { contentType, body: Buffer.from(crlf ? body.replace(/\r?\n/g, '\r\n') : body, 'latin1') };
}
