// Placeholder until LocalCloud (issue 5) lands: says so instead of pretending to serve.
console.log('spotplane local control plane: not implemented yet (LocalCloud is in progress).');
