#pragma once

#include "Types.h"

/// How bad a verdict is, for every "worst verdict" Mailscope computes (the ports of a host, the
/// MX hosts of a domain, a batch of domains, a comparison): OK 0 < WARNING 1 < UNKNOWN 2 <
/// CRITICAL 3, the order Icinga sorts states by. UNKNOWN ranks above WARNING because a check that
/// could not finish cannot vouch that the problem is only a warning; CRITICAL stays on top because
/// what was established is worse than what could not be. Exit codes stay the monitoring-plugins'
/// numbers (0, 1, 2, 3), which are not this order.
///
/// (Its own header rather than Types.h, which nearly every file includes.)
int verdictRank(Verdict v);
/// The worse of two verdicts by verdictRank().
Verdict worseVerdict(Verdict a, Verdict b);
