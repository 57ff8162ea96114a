// Node 20 lacks Map.groupBy / Object.groupBy (ES2024), which vitest 5's reporter calls when it prints a failure.
// Loaded with `node --import` by the test script; a no-op on Node >= 21.
if (typeof Map.groupBy !== 'function') {
  Map.groupBy = (items, keyOf) => {
    const groups = new Map()
    let index = 0
    for (const item of items) {
      const key = keyOf(item, index++)
      const group = groups.get(key)
      if (group) {
        group.push(item)
      } else {
        groups.set(key, [item])
      }
    }
    return groups
  }
}
if (typeof Object.groupBy !== 'function') {
  Object.groupBy = (items, keyOf) => {
    const groups = Object.create(null)
    let index = 0
    for (const item of items) {
      const key = keyOf(item, index++)
      if (groups[key]) {
        groups[key].push(item)
      } else {
        groups[key] = [item]
      }
    }
    return groups
  }
}
