import { API_CATALOG, type ApiDefinition, type ApiName, type HostKind } from '@connectpay-kit/hosts';

export interface RouteMatch {
  readonly api: ApiName;
  readonly definition: ApiDefinition;
  readonly params: Record<string, string>;
}

interface CompiledRoute {
  readonly api: ApiName;
  readonly definition: ApiDefinition;
  readonly pattern: RegExp;
  readonly names: string[];
}

// The sandbox routes from the same catalog the platform calls through, so the two cannot drift.
const ROUTES: CompiledRoute[] = (Object.keys(API_CATALOG) as ApiName[]).map((api) => {
  const definition: ApiDefinition = API_CATALOG[api];
  const names: string[] = [];
  const source = definition.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { api, definition, pattern: new RegExp(`^${source}$`), names };
});

/** The catalog API a request names, on whichever host kind it lives. */
export function matchApi(method: string, pathname: string): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.definition.method !== method) continue;
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] as string)]));
    return { api: route.api, definition: route.definition, params };
  }
  return undefined;
}

export function servedOn(match: RouteMatch): HostKind {
  return match.definition.hostKind;
}
