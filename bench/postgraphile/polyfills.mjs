// PostGraphile 5 asks for Node 22; this machine has Node 20. What it uses of 22 and 20
// lacks is Promise.withResolvers (ES2024), added here exactly as the standard defines it.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((yes, no) => {
      resolve = yes;
      reject = no;
    });
    return { promise, resolve, reject };
  };
}
