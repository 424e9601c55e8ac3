/**
 * `Client.getJSON` / `Client.postJSON`, as in the Go SDK: the token goes into the query, and a token error
 * (40001 / 40014 / 42001) leads to exactly one refresh and one retry. `getBytes` / `postBytes` do the same for
 * APIs that answer with a file (a mini-program code image, for example), and `postForm` for uploads.
 */
import { WechatApiError } from '../errors';
import { TOKEN_ERRCODES } from './errcode';
import { checkUploadForm } from './transport';
import type { ApiRequest, ApiResponse, ApiTransport, BinaryResponse, CallOptions, Query, UploadForm } from './transport';

/**
 * Where a `Client` gets its token. The component credentials and every authorizer `AccessTokenServer`
 * implement it.
 */
export interface TokenSource {
  /** The current token (cached, fetched when absent). */
  token(): Promise<string>;
  /**
   * A token other than `failed`: the one now stored if it already differs, else a freshly fetched one.
   * Never drops a token that another caller has just refreshed.
   */
  refreshToken(failed: string): Promise<string>;
  /** Query parameter the token goes in. */
  readonly param: 'access_token' | 'component_access_token';
}

/** The limits of `options` alone (a caller's object may hold anything). */
function limits(options: CallOptions | undefined): CallOptions {
  return { timeoutMs: options?.timeoutMs, maxResponseBytes: options?.maxResponseBytes };
}

/** Calls the WeChat API with a token from a `TokenSource`. */
export class Client {
  readonly #transport: ApiTransport;
  readonly #tokens: TokenSource;

  constructor(transport: ApiTransport, tokens: TokenSource) {
    this.#transport = transport;
    this.#tokens = tokens;
  }

  /** The token source of this client. */
  get tokens(): TokenSource {
    return this.#tokens;
  }

  /**
   * `GET path?query&<param>=<token>`; resolves to the decoded JSON. `T` is trusted, not checked.
   * Throws `WechatApiError` for a non-zero errcode, `WxOpenError` (`ERR_API_*`) for transport failures: a
   * redirect or an error status is `ERR_API_HTTP`, a body over the size limit `ERR_API_RESPONSE`, a call slower
   * than `options.timeoutMs` (default: the transport's) `ERR_API_TIMEOUT`.
   */
  getJSON<T extends object = ApiResponse>(path: string, query?: Query, options?: CallOptions): Promise<T> {
    return this.#call((request) => this.#transport.request(request) as Promise<T>, { method: 'GET', path, query, ...limits(options) });
  }

  /** `POST path?query&<param>=<token>` with a JSON body; otherwise as `getJSON`. */
  postJSON<T extends object = ApiResponse>(path: string, body: unknown, query?: Query, options?: CallOptions): Promise<T> {
    return this.#call((request) => this.#transport.request(request) as Promise<T>, { method: 'POST', path, body, query, ...limits(options) });
  }

  /**
   * `GET path?query&<param>=<token>` for an API that answers with a file; resolves to its bytes and content
   * type. A JSON error answer (non-zero errcode) rejects with `WechatApiError`, and a token error is refreshed
   * and retried once, as in `getJSON`. The size limit defaults to the transport's `maxBinaryResponseBytes`.
   */
  getBytes(path: string, query?: Query, options?: CallOptions): Promise<BinaryResponse> {
    return this.#call((request) => this.#transport.requestBytes(request), { method: 'GET', path, query, ...limits(options) });
  }

  /** `POST path?query&<param>=<token>` with a JSON body, for an API that answers with a file (`wxa/getwxacode`). */
  postBytes(path: string, body: unknown, query?: Query, options?: CallOptions): Promise<BinaryResponse> {
    return this.#call((request) => this.#transport.requestBytes(request), { method: 'POST', path, body, query, ...limits(options) });
  }

  /**
   * `POST path?query&<param>=<token>` with a `multipart/form-data` body (uploads: `media/upload`, `wxa/uploadmedia`);
   * otherwise as `postJSON`. A token error is refreshed and the whole form sent again, once. Large files need more
   * than the default `timeoutMs`: pass it in `options`.
   */
  async postForm<T extends object = ApiResponse>(path: string, form: UploadForm, query?: Query, options?: CallOptions): Promise<T> {
    checkUploadForm(form); // before a token is fetched or anything is sent
    return this.#call((request) => this.#transport.request(request) as Promise<T>, { method: 'POST', path, form, query, ...limits(options) });
  }

  async #call<T>(send: (request: ApiRequest) => Promise<T>, request: ApiRequest): Promise<T> {
    const withToken = (token: string): ApiRequest => ({ ...request, query: { ...request.query, [this.#tokens.param]: token } });
    const token = await this.#tokens.token();
    try {
      return await send(withToken(token));
    } catch (error) {
      if (!(error instanceof WechatApiError) || !TOKEN_ERRCODES.has(error.errcode)) throw error;
      return send(withToken(await this.#tokens.refreshToken(token)));
    }
  }
}
