#include "VerdictOrder.h"

int verdictRank(Verdict v)
{
    switch (v) {
    case Verdict::Ok:
        return 0;
    case Verdict::Warning:
        return 1;
    case Verdict::Unknown:
        return 2;
    case Verdict::Critical:
        return 3;
    }
    return 2;
}

Verdict worseVerdict(Verdict a, Verdict b) { return verdictRank(b) > verdictRank(a) ? b : a; }
