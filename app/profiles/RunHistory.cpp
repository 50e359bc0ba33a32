#include "RunHistory.h"

#include "run/ReportJson.h"
#include "run/ReportReader.h"

#include <algorithm>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("RunHistory", text); }

const QString Suffix = QStringLiteral(".json");

/// A key is a folder name only when it cannot climb out of the history or hide (no dots, no
/// slashes): profile ids (UUIDs) and the fixed keys are; anything else is hashed.
bool isPlainKey(const QString& key)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    return plain.match(key).hasMatch();
}

/// Report files of a folder, oldest first (names start with a sortable UTC time stamp).
QStringList reportFiles(const QString& folder)
{
    QStringList names =
        QDir(folder).entryList({QStringLiteral("*") + Suffix}, QDir::Files | QDir::NoDotAndDotDot);
    names.sort();
    return names;
}

} // namespace

RunHistory::RunHistory(QString directory)
    : m_directory(directory.isEmpty() ? defaultDirectory() : std::move(directory))
{
}

QString RunHistory::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
           + QStringLiteral("/Mailscope/history");
}

QString RunHistory::quickConnectKey(const QString& host, quint16 port)
{
    const QByteArray name = host.toLower().toUtf8() + ':' + QByteArray::number(port);
    return QStringLiteral("quick-")
           + QString::fromLatin1(QCryptographicHash::hash(name, QCryptographicHash::Sha256).toHex().left(32));
}

QString RunHistory::folderOf(const QString& key) const
{
    const QString name =
        isPlainKey(key)
            ? key
            : QStringLiteral("key-")
                  + QString::fromLatin1(
                      QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex().left(32));
    return m_directory + QLatin1Char('/') + name;
}

Run RunHistory::redacted(const Run& run)
{
    Run copy = run;
    if (!copy.secretsShown)
        return copy;
    for (TranscriptEntry& line : copy.transcript) {
        if (line.dir == 'C' && line.step == StepId::Auth)
            line.text = QStringLiteral("[redacted]");
    }
    copy.secretsShown = false;
    return copy;
}

QString RunHistory::record(const QString& key, const Run& run, QString* error)
{
    return recordJson(key, ReportJson::toJson(redacted(run)), run.startedAt, error);
}

QString RunHistory::recordJson(const QString& key, const QByteArray& json, const QDateTime& startedAt,
                               QString* error)
{
    const QString folder = folderOf(key);
    if (!QDir().mkpath(folder)) {
        *error = tr("Cannot create the history folder %1.").arg(folder);
        return {};
    }
    // Sortable and unique: the run's start (UTC, ms) and a random tail, so two instances
    // recording at the same millisecond never write the same file.
    const QDateTime when = (startedAt.isValid() ? startedAt : QDateTime::currentDateTimeUtc()).toUTC();
    const QString name =
        when.toString(QStringLiteral("yyyyMMdd'T'HHmmss.zzz'Z'")) + QLatin1Char('-')
        + QString::number(QRandomGenerator::global()->generate() % 100000000U).rightJustified(8, u'0')
        + Suffix;
    const QString path = folder + QLatin1Char('/') + name;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit()) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return {};
    }
    prune(folder);
    return path;
}

void RunHistory::prune(const QString& folder) const
{
    const QStringList names = reportFiles(folder);
    for (qsizetype i = 0; i + MaxRunsPerKey < names.size(); ++i)
        QFile::remove(folder + QLatin1Char('/') + names[i]);
}

std::optional<HistoryEntry> RunHistory::readRunEntry(const QString& path, QString* error)
{
    const ReportReader::Result read = ReportReader::readFile(path);
    if (!read.run) {
        *error = read.error;
        return std::nullopt;
    }
    HistoryEntry e;
    e.path = path;
    e.startedAt = read.run->startedAt;
    e.verdict = read.run->verdict();
    e.tlsProtocol = read.run->tls ? read.run->tls->protocol : QString();
    e.host = read.run->target.host;
    e.port = read.run->target.port;
    return e;
}

QList<HistoryEntry> RunHistory::entries(const QString& key, QStringList* problems,
                                        const EntryReader& read) const
{
    const QString folder = folderOf(key);
    QStringList names = reportFiles(folder);
    std::reverse(names.begin(), names.end());
    // Only the newest are listed, however many files another program left there.
    if (names.size() > MaxRunsPerKey)
        names.resize(MaxRunsPerKey);
    QList<HistoryEntry> list;
    for (const QString& name : std::as_const(names)) {
        const QString path = folder + QLatin1Char('/') + name;
        QString error;
        const std::optional<HistoryEntry> entry = read ? read(path, &error) : readRunEntry(path, &error);
        if (!entry) {
            if (problems)
                problems->append(tr("Skipped the history entry %1: %2").arg(path, error));
            continue;
        }
        list.append(*entry);
    }
    return list;
}
