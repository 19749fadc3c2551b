import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { nullableAsTypeArrays } from './nullable-type-arrays.js';

/** Validators and serializers: Fastify calls both with one argument. */
type Compiled = (data: never) => unknown;

/**
 * Route schemas are compiled on first use instead of when the server starts. Compiling every
 * route's validators and serializers took 1.2 s of each start (mostly fast-json-stringify), paid
 * again by each test file's app although a file calls a handful of routes; the first request to a
 * route now pays its own few milliseconds instead. `compileAll()` compiles whatever is still
 * pending, so a test can prove that every schema compiles (a broken one would otherwise surface
 * only at its route's first request).
 */
export class DeferredCompilation {
  private readonly pending = new Set<() => unknown>();

  /** A function that compiles itself at its first call, then behaves as `compile()` returned; `errors` is copied back (ajv's contract). */
  defer<F extends Compiled>(compile: () => F): F {
    let compiled: F | undefined;
    const ensure = () => {
      if (!compiled) {
        compiled = compile();
        this.pending.delete(ensure);
      }
      return compiled;
    };
    const deferred = ((data: never) => {
      const target = (compiled ?? ensure()) as F & { errors?: unknown };
      const result = target(data);
      deferred.errors = target.errors;
      return result;
    }) as unknown as F & { errors?: unknown };
    deferred.errors = null;
    this.pending.add(ensure);
    return deferred;
  }

  /** Compiles every function still waiting for its first call; returns how many there were. */
  compileAll(): number {
    const waiting = [...this.pending];
    for (const ensure of waiting) ensure();
    return waiting.length;
  }

  /**
   * Fastify's `schemaController.compilersFactory.buildSerializer`: its default serializers
   * (fast-json-stringify), compiled on first use, from schemas whose nullable primitives are type
   * arrays (nullable-type-arrays.ts: a page of 200 plumes serialized in 0.47 ms instead of 0.80).
   */
  serializerFactory() {
    const eager = SerializerSelector();
    return (externalSchemas: unknown, options: unknown) => {
      const compile = eager(externalSchemas as never, options as never);
      return (route: Parameters<typeof compile>[0]) => this.defer(() => compile({ ...route, schema: nullableAsTypeArrays(route.schema) }));
    };
  }
}
