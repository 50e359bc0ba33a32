#include "Run.h"

#include <algorithm>

Verdict Run::verdict() const
{
    const bool failedStep = std::any_of(steps.cbegin(), steps.cend(),
                                        [](const StepRecord& s) { return s.status == StepStatus::Failed; });
    const auto has = [this](Severity severity) {
        return std::any_of(findings.cbegin(), findings.cend(),
                           [severity](const Finding& f) { return f.severity == severity; });
    };
    // A run the user stopped says nothing about the server unless it already found something grave.
    if (aborted)
        return has(Severity::Critical) ? Verdict::Critical : Verdict::Unknown;
    if (failedStep || has(Severity::Critical))
        return Verdict::Critical;
    // An audit that was asked for and could not test everything cannot vouch for the server.
    if (tlsAudit && !tlsAudit->untested.isEmpty())
        return Verdict::Unknown;
    if (has(Severity::Warning))
        return Verdict::Warning;
    return Verdict::Ok;
}

bool Run::hasFinding(const QString& id) const { return finding(id) != nullptr; }

const Finding* Run::finding(const QString& id) const
{
    const auto it =
        std::find_if(findings.cbegin(), findings.cend(), [&id](const Finding& f) { return f.id == id; });
    return it == findings.cend() ? nullptr : &*it;
}

const StepRecord* Run::step(StepId id) const
{
    // The last record wins: tls-handshake may appear once, but a reader wants the latest attempt.
    for (auto it = steps.crbegin(); it != steps.crend(); ++it) {
        if (it->id == id)
            return &*it;
    }
    return nullptr;
}

QList<int> Run::transcriptLinesOf(int stepIndex) const
{
    QList<int> lines;
    for (int i = 0; i < transcript.size(); ++i) {
        if (transcript.at(i).stepIndex == stepIndex)
            lines.append(i);
    }
    return lines;
}
