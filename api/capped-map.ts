// A Map with a cap on its entries, in all and per group (e.g. per API key, per check run), that
// evicts the oldest first. Two linked lists (all entries; the group's entries) keep every operation
// O(1): evicting from the front of a JS Map or Set is not, since its deleted slots stay in front
// until the table is rebuilt, and a flood made each eviction scan them.
interface Node<V> {
  key: string;
  value: V;
  group: Group<V>;
  prev?: Node<V>;
  next?: Node<V>;
  groupPrev?: Node<V>;
  groupNext?: Node<V>;
}

interface Group<V> {
  name: string;
  size: number;
  head?: Node<V>;
  tail?: Node<V>;
}

export interface CappedMapOptions {
  /** Entries kept in all; the oldest is evicted beyond it. */
  maxEntries: number;
  /** Entries kept per group; the group's oldest is evicted beyond it. */
  maxPerGroup: number;
  /** The group a key belongs to. */
  groupOf: (key: string) => string;
}

export class CappedMap<V> {
  private readonly nodes = new Map<string, Node<V>>();
  private readonly groups = new Map<string, Group<V>>();
  private head?: Node<V>;
  private tail?: Node<V>;

  constructor(private readonly options: CappedMapOptions) {
    if (!(options.maxEntries >= 1 && options.maxPerGroup >= 1)) throw new RangeError('caps must be ≥ 1');
  }

  get size(): number {
    return this.nodes.size;
  }

  get(key: string): V | undefined {
    return this.nodes.get(key)?.value;
  }

  has(key: string): boolean {
    return this.nodes.has(key);
  }

  /** The oldest entry (for expiry sweeps). */
  oldest(): { key: string; value: V } | undefined {
    return this.head && { key: this.head.key, value: this.head.value };
  }

  /** Adds a key as the newest entry (evicting as the caps require), or replaces an existing key's value in place. */
  set(key: string, value: V): void {
    const existing = this.nodes.get(key);
    if (existing) {
      existing.value = value;
      return;
    }
    const name = this.options.groupOf(key);
    let group = this.groups.get(name);
    while (group && group.size >= this.options.maxPerGroup && group.head) this.unlink(group.head);
    while (this.nodes.size >= this.options.maxEntries && this.head) this.unlink(this.head);
    group = this.groups.get(name); // (evicting its last entry drops the group)
    if (!group) this.groups.set(name, (group = { name, size: 0 }));
    const node: Node<V> = { key, value, group, prev: this.tail, groupPrev: group.tail };
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    if (group.tail) group.tail.groupNext = node;
    else group.head = node;
    group.tail = node;
    group.size++;
    this.nodes.set(key, node);
  }

  delete(key: string): boolean {
    const node = this.nodes.get(key);
    if (node) this.unlink(node);
    return node !== undefined;
  }

  private unlink(node: Node<V>): void {
    this.nodes.delete(node.key);
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    const { group } = node;
    if (node.groupPrev) node.groupPrev.groupNext = node.groupNext;
    else group.head = node.groupNext;
    if (node.groupNext) node.groupNext.groupPrev = node.groupPrev;
    else group.tail = node.groupPrev;
    if (--group.size === 0) this.groups.delete(group.name);
    node.prev = node.next = node.groupPrev = node.groupNext = undefined;
  }
}
