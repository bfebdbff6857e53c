// Does nothing: its process start and exit are the floor esp-prov's --help is measured against (docs/benchmarks.md).
return 0;
