// TypeDoc names the entry points of a package after their exports-map keys, so `@wxopen/core` comes out as two
// modules called "" and "adapter". Name them by what a user imports: `@wxopen/core` and `@wxopen/core/adapter`.
import { Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  // In the packages strategy each package is converted as a project of its own (named after the package),
  // whose modules are its entry points; the projects are merged afterwards.
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const { project } = context;
    for (const entry of project.getChildrenByKind(ReflectionKind.Module)) {
      entry.name = entry.name === '' ? project.name : `${project.name}/${entry.name}`;
    }
  });
}
