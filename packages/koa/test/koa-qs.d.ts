// koa-qs ships no declarations: it replaces Koa's query parser with qs and returns the app.
declare module 'koa-qs' {
  import type Koa from 'koa';
  export default function koaQs<App extends Koa>(app: App, mode?: 'extended' | 'strict' | 'first'): App;
}
