// Express 4, installed under an alias for the tests: typed with Express 5's declarations (the calls the tests
// make are the same in both).
declare module 'express4' {
  import express from 'express';
  export = express;
}
