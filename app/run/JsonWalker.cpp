#include "JsonWalker.h"

#include "JsonNesting.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

namespace json {

std::optional<QJsonObject> parseBounded(const QByteArray& json, qint64 maxBytes, int maxDepth, QString* error)
{
    if (json.size() > maxBytes) {
        *error = tr("The report is larger than %1 MB.").arg(maxBytes / (1024 * 1024));
        return std::nullopt;
    }
    if (jsonNestingDepth(json, maxDepth) > maxDepth) {
        *error = tr("The report nests deeper than %1 levels.").arg(maxDepth);
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = tr("Not valid JSON at byte %1: %2").arg(parseError.offset).arg(parseError.errorString());
        return std::nullopt;
    }
    if (!document.isObject()) {
        *error = tr("Not a Mailscope report: the document is not a JSON object.");
        return std::nullopt;
    }
    return document.object();
}

std::optional<QByteArray> readBounded(const QString& path, qint64 maxBytes, QString* error)
{
    const QString tooLarge = tr("Cannot read %1: larger than %2 MB.");
    const QFileInfo info(path);
    if (!info.exists()) {
        *error = tr("Cannot read %1: no such file.").arg(path);
        return std::nullopt;
    }
    if (!info.isFile()) {
        *error = tr("Cannot read %1: not a regular file.").arg(path);
        return std::nullopt;
    }
    if (info.size() > maxBytes) {
        *error = tooLarge.arg(path, QString::number(maxBytes / (1024 * 1024)));
        return std::nullopt;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    // One byte past the limit: a file that grew since the check is refused, not cut.
    QByteArray bytes = file.read(maxBytes + 1);
    if (bytes.size() > maxBytes) {
        *error = tooLarge.arg(path, QString::number(maxBytes / (1024 * 1024)));
        return std::nullopt;
    }
    return bytes;
}

QList<Finding> readFindings(Walker& w, const QJsonArray& a, const QString& path, FindingStep step)
{
    QList<Finding> findings;
    for (qsizetype i = 0; i < a.size() && !w.failed(); ++i) {
        const QString p = Walker::at(path, i);
        const std::optional<QJsonObject> o = w.asObject(a.at(i), p);
        if (!o)
            break;
        Finding f;
        f.id = w.string(*o, p, "id");
        f.severity = w.enumeration(*o, p, "severity", &severityFromString);
        f.title = w.string(*o, p, "title");
        f.explanation = w.string(*o, p, "explanation");
        f.reference = w.string(*o, p, "reference");
        f.detail = w.string(*o, p, "detail", false);
        if (step == FindingStep::Read && o->contains(QLatin1String("step")))
            f.step = w.enumeration(*o, p, "step", &stepIdFromString);
        findings.append(f);
    }
    return findings;
}

} // namespace json
