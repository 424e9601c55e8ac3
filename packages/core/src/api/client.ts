/**
 * `Client.getJSON` / `Client.postJSON`, as in the Go SDK: the token goes into the query, and a token error
 * (40001 / 40014 / 42001) leads to exactly one refresh and one retry.
 */
import { WechatApiError } from '../errors';
import { TOKEN_ERRCODES } from './errcode';
import type { ApiResponse, ApiTransport, Query } from './transport';

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
   * Throws `WechatApiError` for a non-zero errcode, `WxOpenError` (`ERR_API_*`) for transport failures.
   */
  getJSON<T extends object = ApiResponse>(path: string, query?: Query): Promise<T> {
    return this.#call<T>('GET', path, undefined, query);
  }

  /** `POST path?query&<param>=<token>` with a JSON body; otherwise as `getJSON`. */
  postJSON<T extends object = ApiResponse>(path: string, body: unknown, query?: Query): Promise<T> {
    return this.#call<T>('POST', path, body, query);
  }

  async #call<T>(method: 'GET' | 'POST', path: string, body: unknown, query: Query | undefined): Promise<T> {
    const send = (token: string) =>
      this.#transport.request({ method, path, body, query: { ...query, [this.#tokens.param]: token } }) as Promise<T>;
    const token = await this.#tokens.token();
    try {
      return await send(token);
    } catch (error) {
      if (!(error instanceof WechatApiError) || !TOKEN_ERRCODES.has(error.errcode)) throw error;
      return send(await this.#tokens.refreshToken(token));
    }
  }
}
