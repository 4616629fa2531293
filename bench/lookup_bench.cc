// In-process cost of the knowledge-base lookups `info` makes.
#include <benchmark/benchmark.h>

#include "knowledge/knowledge_base.h"

namespace portlens {
namespace {

void BM_DescribePort(benchmark::State& state) {
  KnowledgeBase base;
  for (auto _ : state) benchmark::DoNotOptimize(base.describe(22, kAnyProtocol));
}
BENCHMARK(BM_DescribePort);

void BM_FindName(benchmark::State& state) {
  KnowledgeBase base;
  for (auto _ : state) benchmark::DoNotOptimize(base.find_name("netbus"));
}
BENCHMARK(BM_FindName);

void BM_SearchBothLanguages(benchmark::State& state) {
  KnowledgeBase base;
  for (auto _ : state) benchmark::DoNotOptimize(base.search("后门 backdoor"));
}
BENCHMARK(BM_SearchBothLanguages);

void BM_DescribeAllPorts(benchmark::State& state) {
  KnowledgeBase base;
  for (auto _ : state) benchmark::DoNotOptimize(base.describe_range({0, 65535}, kAnyProtocol, true));
}
BENCHMARK(BM_DescribeAllPorts)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace portlens

BENCHMARK_MAIN();
