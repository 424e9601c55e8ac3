/** Official-account job results: template messages, mass sends, publishing. */
import type { EventHeader } from './header';
import { HEADER } from './header';
import { list, O, optionalList, optionalRecord, record, S, type SpecOf } from '../schema';

/** A template message was delivered or failed (模板消息发送任务完成). */
export interface TemplateSendJobFinishEvent extends EventHeader<'TEMPLATESENDJOBFINISH'> {
  /** The template message id (消息 id), capital D. */
  MsgID: string;
  /** `success`, `failed:user block` or `failed: system failed` (发送状态). */
  Status: string;
}

/** Copyright check of one article of a mass send (原创校验结果). */
export interface CopyrightCheckItem {
  /** Article index, from 1 (群发文章的序号). */
  ArticleIdx: string;
  /** Whether the user declared it original (用户声明原创状态). */
  UserDeclareState: string;
  /** Audit state (系统校验的状态). */
  AuditState: string;
  /** URL of the similar original article (相似原创文的 url). */
  OriginalArticleUrl: string;
  /** Type of the similar original article (相似原创文的类型). */
  OriginalArticleType: string;
  /** Whether reprinting is allowed (是否能转载). */
  CanReprint: string;
  /** Whether the content must be replaced (是否需要替换成原创文内容). */
  NeedReplaceContent: string;
  /** Whether the reprint source must be shown (是否需要注明转载来源). */
  NeedShowReprintSource: string;
}

/** A mass send finished (群发结果). */
export interface MassSendJobFinishEvent extends EventHeader<'MASSSENDJOBFINISH'> {
  /** The mass-send message id (群发的消息 ID), capital D. */
  MsgID: string;
  /** `send success`, `send fail` or `err(<code>)` (群发的结果). */
  Status: string;
  /** Number of fans targeted (分组或 openid 列表中的粉丝数). */
  TotalCount: string;
  /** Number of fans to send to after filtering (过滤后准备发送的粉丝数). */
  FilterCount: string;
  /** Number sent successfully (发送成功的粉丝数). */
  SentCount: string;
  /** Number that failed (发送失败的粉丝数). */
  ErrorCount: string;
  /** Originality check (原创校验结果), for article sends. */
  CopyrightCheckResult?: {
    /** Number of articles (群发文章的数量). */
    Count: string;
    /** Per-article results; `item` is always an array. */
    ResultList: { item: CopyrightCheckItem[] };
    /** Overall state (整体校验结果): 1 not reprinted, 2 reprinted (continue), 3 reprinted (stop). */
    CheckState: string;
  };
  /** Article URLs of the send (群发文章的 url). */
  ArticleUrlResult?: {
    /** Number of articles. */
    Count: string;
    /** Per-article URLs; `item` is always an array. */
    ResultList: { item: { ArticleIdx: string; ArticleUrl: string }[] };
  };
}

/**
 * Publishing finished (发布结果). The doc calls it `FREEPUBLISHJOBFINISH`, real pushes say `PUBLISHJOBFINISH`;
 * both are accepted.
 */
export interface PublishJobFinishEvent<E extends 'PUBLISHJOBFINISH' | 'FREEPUBLISHJOBFINISH'> extends EventHeader<E> {
  /** The publish result (发布信息). */
  PublishEventInfo: {
    /** The publish task id (发布任务 id). */
    publish_id: string;
    /** 0 success, 1 publishing, 2 original-check failed, 3 common failure, 4 rejected, … (发布状态). */
    publish_status: string;
    /** The article id when published (图文的 article_id). */
    article_id?: string;
    /** The published articles (文章详情). */
    article_detail?: {
      /** Number of articles (文章数量). */
      count: string;
      /** The articles; always an array. */
      item: { idx: string; article_url: string }[];
    };
    /** Indexes of the articles that failed (不通过的文章编号), always an array. */
    fail_idx?: string[];
  };
}

/** Official-account job results: template messages, mass sends, publishing */
export type JobEvent =
  | TemplateSendJobFinishEvent
  | MassSendJobFinishEvent
  | PublishJobFinishEvent<'PUBLISHJOBFINISH'>
  | PublishJobFinishEvent<'FREEPUBLISHJOBFINISH'>;

const PUBLISH = {
  ...HEADER,
  PublishEventInfo: record({
    publish_id: S,
    publish_status: S,
    article_id: O,
    article_detail: optionalRecord({ count: S, item: list({ idx: S, article_url: S }) }),
    fail_idx: optionalList(S),
  }),
};

/** The shape of each of these events. */
export const JOB_SPECS = {
  TEMPLATESENDJOBFINISH: { ...HEADER, MsgID: S, Status: S },
  MASSSENDJOBFINISH: {
    ...HEADER,
    MsgID: S,
    Status: S,
    TotalCount: S,
    FilterCount: S,
    SentCount: S,
    ErrorCount: S,
    CopyrightCheckResult: optionalRecord({
      Count: S,
      ResultList: record({
        item: list({
          ArticleIdx: S,
          UserDeclareState: S,
          AuditState: S,
          OriginalArticleUrl: S,
          OriginalArticleType: S,
          CanReprint: S,
          NeedReplaceContent: S,
          NeedShowReprintSource: S,
        }),
      }),
      CheckState: S,
    }),
    ArticleUrlResult: optionalRecord({ Count: S, ResultList: record({ item: list({ ArticleIdx: S, ArticleUrl: S }) }) }),
  },
  PUBLISHJOBFINISH: PUBLISH,
  FREEPUBLISHJOBFINISH: PUBLISH,
} as const satisfies { readonly [E in JobEvent['Event']]: SpecOf<Extract<JobEvent, { Event: E }>> };
