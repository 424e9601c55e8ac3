/**
 * The trial-version QR code (`wxa/get_qrcode`), an image rather than JSON: read with `Client.getBytes`, which caps
 * the body, reads a JSON body as WeChat's error, and refreshes the token once on 40001 / 40014 / 42001.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/get_qrcode.html
 */
import type { Client } from '../client';
import type { BinaryResponse } from '../transport';
import { CODE_API } from './code';

/**
 * `wxa/get_qrcode` (authorizer client): the trial version's QR code as an image, opening `path` (default the home
 * page; a query string in it is kept). Resolves to the image's content type (`image/jpeg`) and bytes.
 */
export function getTrialQrcode(client: Pick<Client, 'getBytes'>, path?: string): Promise<BinaryResponse> {
  return client.getBytes(CODE_API.getQrcode, { path });
}
