#include "ProfileStore.h"

#include "run/JsonNesting.h"

#include <algorithm>
#include <cmath>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLockFile>
#include <QSaveFile>
#include <QSet>
#include <QStandardPaths>

namespace {

QString tr(const char* text, const char* disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("ProfileStore", text, disambiguation, n);
}

QByteArray sha256(const QByteArray& bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
}

QString mib(qint64 bytes) { return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 1); }

constexpr int LockWaitMs = 10000;
/// A lock older than this is from a crashed instance (a save takes milliseconds).
constexpr int StaleLockMs = 30000;

} // namespace

QString ProfileStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
           + QStringLiteral("/Mailscope/profiles.json");
}

int ProfileStore::schemaVersionFor(const QList<ServerProfile>& profiles)
{
    return std::any_of(profiles.cbegin(), profiles.cend(),
                       [](const ServerProfile& p) { return p.isDomain(); })
               ? 2
               : 1;
}

ProfileStore::ProfileStore(QString path)
    : m_path(std::move(path))
{
}

std::optional<ServerProfile> ProfileStore::byName(const QString& name) const
{
    for (const ServerProfile& p : m_profiles) {
        if (p.name == name)
            return p;
    }
    return std::nullopt;
}

std::optional<ServerProfile> ProfileStore::byId(const QString& id) const
{
    for (const ServerProfile& p : m_profiles) {
        if (p.id == id)
            return p;
    }
    return std::nullopt;
}

ProfileStore::Document ProfileStore::parse(const QByteArray& bytes)
{
    Document d;
    if (bytes.size() > MaxFileBytes) {
        d.fatal = tr("it is %1 MiB, more than the %2 MiB a profile file may have")
                      .arg(mib(bytes.size()), mib(MaxFileBytes));
        return d;
    }
    if (bytes.trimmed().isEmpty()) {
        d.fatal = tr("it is empty");
        return d;
    }
    if (jsonNestingDepth(bytes, MaxDepth) > MaxDepth) {
        d.fatal = tr("it is nested more than %1 levels deep, which no profile file is").arg(MaxDepth);
        return d;
    }
    QJsonParseError error;
    const QJsonDocument json = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError) {
        d.fatal = tr("it is not valid JSON (%1 at byte %2; a truncated file looks like this)")
                      .arg(error.errorString())
                      .arg(error.offset);
        return d;
    }
    if (!json.isObject()) {
        d.fatal = tr("its top level is not a JSON object");
        return d;
    }
    const QJsonObject root = json.object();
    const QJsonValue version = root.value(QStringLiteral("schema_version"));
    const double v = version.toDouble(-1);
    if (!version.isDouble() || !(v >= 1 && v <= 1e6) || v != std::trunc(v)) {
        d.fatal = tr("it has no valid \"schema_version\"");
        return d;
    }
    d.schemaVersion = int(v);
    const QJsonValue list = root.value(QStringLiteral("profiles"));
    if (!list.isArray()) {
        d.fatal = tr("\"profiles\" is not a list");
        return d;
    }
    const QJsonArray entries = list.toArray();
    if (entries.size() > MaxProfiles) {
        d.fatal =
            tr("it holds %1 profiles, more than the %2 Mailscope keeps").arg(entries.size()).arg(MaxProfiles);
        return d;
    }
    QSet<QString> names;
    QSet<QString> ids;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QJsonValue entry = entries.at(i);
        if (!entry.isObject()) {
            d.problems.append(tr("entry %1 is not an object").arg(i + 1));
            continue;
        }
        QString why;
        auto profile = ServerProfile::fromJson(entry.toObject(), &why);
        if (!profile) {
            const QString name = entry.toObject().value(QStringLiteral("name")).toString().left(80);
            d.problems.append(name.isEmpty() ? tr("entry %1: %2").arg(i + 1).arg(why)
                                             : tr("entry %1 (\"%2\"): %3").arg(i + 1).arg(name, why));
            continue;
        }
        if (names.contains(profile->name)) {
            d.problems.append(tr("entry %1: the name \"%2\" is used twice").arg(i + 1).arg(profile->name));
            continue;
        }
        if (profile->id.isEmpty() || ids.contains(profile->id))
            profile->id = ServerProfile::newId();
        names.insert(profile->name);
        ids.insert(profile->id);
        d.profiles.append(*profile);
    }
    return d;
}

bool ProfileStore::readDisk(DiskState* state)
{
    const QFileInfo info(m_path);
    if (!info.exists() && !info.isSymLink()) {
        state->exists = false;
        return true;
    }
    state->exists = true;
    if (!info.isFile()) {
        // Never open a FIFO or a device (a read could block forever), never replace one.
        m_readOnlyReason = tr("%1 is not a regular file. Mailscope neither reads nor replaces it; profiles "
                              "are not saved until it is removed.")
                               .arg(m_path);
        m_notices.append({StoreNotice::Kind::ReadOnly, m_readOnlyReason, m_path});
        return false;
    }
    state->size = info.size();
    if (state->size > MaxFileBytes)
        return true;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_readOnlyReason = tr("Cannot read %1 (%2); profiles are not saved until it can be read.")
                               .arg(m_path, file.errorString());
        m_notices.append({StoreNotice::Kind::ReadOnly, m_readOnlyReason, m_path});
        return false;
    }
    state->bytes = file.read(MaxFileBytes + 1);
    state->size = state->bytes.size();
    return true;
}

QString ProfileStore::moveAside(const QString& why, int kept)
{
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    QString target = QStringLiteral("%1.broken-%2").arg(m_path, stamp);
    for (int n = 2; QFileInfo::exists(target) || QFileInfo(target).isSymLink(); ++n)
        target = QStringLiteral("%1.broken-%2-%3").arg(m_path, stamp).arg(n);
    // A rename in the same folder: the bytes stay exactly as they were, nothing is copied.
    QFile file(m_path);
    if (!file.rename(target)) {
        m_readOnlyReason =
            tr("The profile file %1 cannot be used: %2. It could not be moved aside (%3), so it "
               "is left untouched and profiles are not saved.")
                .arg(m_path, why, file.errorString());
        m_notices.append({StoreNotice::Kind::ReadOnly, m_readOnlyReason, m_path});
        return {};
    }
    m_diskHash.clear();
    m_notices.append(
        {StoreNotice::Kind::MovedAside,
         tr("The profile file %1 could not be used: %2. It was moved, unchanged, to %3. Mailscope "
            "goes on with the %n profile(s) that could be read.",
            nullptr, kept)
             .arg(m_path, why, target),
         target});
    return target;
}

void ProfileStore::adopt(const DiskState& state)
{
    m_profiles.clear();
    m_needsWrite = false;
    if (!state.exists) {
        m_diskHash.clear();
        return;
    }
    if (state.size > MaxFileBytes) {
        moveAside(tr("it is %1 MiB, more than the %2 MiB a profile file may have")
                      .arg(mib(state.size), mib(MaxFileBytes)),
                  0);
        return;
    }
    m_diskHash = sha256(state.bytes);
    Document doc = parse(state.bytes);
    if (!doc.fatal.isEmpty()) {
        moveAside(doc.fatal, 0);
        return;
    }
    m_profiles = doc.profiles;
    if (doc.schemaVersion > SchemaVersion) {
        m_readOnlyReason =
            tr("%1 was written by a newer Mailscope (schema version %2; this one knows %3). Its "
               "profiles can be used, but nothing is saved, so that nothing in it is lost. Update "
               "Mailscope to change profiles.")
                .arg(m_path)
                .arg(doc.schemaVersion)
                .arg(SchemaVersion);
        m_notices.append({StoreNotice::Kind::ReadOnly, m_readOnlyReason, m_path});
        return;
    }
    if (!doc.problems.isEmpty()) {
        if (moveAside(doc.problems.join(QStringLiteral("; ")), int(doc.profiles.size())).isEmpty())
            return;
        m_needsWrite = !m_profiles.isEmpty();
    }
}

void ProfileStore::load()
{
    m_profiles.clear();
    m_readOnlyReason.clear();
    m_diskHash.clear();
    m_needsWrite = false;
    if (!QFileInfo::exists(QFileInfo(m_path).absolutePath()))
        return; // nothing saved yet
    QLockFile lock(m_path + QStringLiteral(".lock"));
    lock.setStaleLockTime(StaleLockMs);
    if (!lock.tryLock(LockWaitMs)) {
        m_readOnlyReason =
            tr("Another Mailscope holds %1.lock; profiles are not saved in this one.").arg(m_path);
        m_notices.append({StoreNotice::Kind::ReadOnly, m_readOnlyReason, m_path});
        return;
    }
    DiskState state;
    if (!readDisk(&state))
        return;
    adopt(state);
    if (m_needsWrite) {
        const QString error = write(m_profiles);
        if (error.isEmpty()) {
            m_needsWrite = false;
            m_notices.append({StoreNotice::Kind::Recovered,
                              tr("%n profile(s) recovered from the moved file were saved to %1.", nullptr,
                                 int(m_profiles.size()))
                                  .arg(m_path),
                              m_path});
        }
    }
}

QString ProfileStore::write(const QList<ServerProfile>& profiles)
{
    const QFileInfo info(m_path);
    if (info.exists() && !info.isFile())
        return tr("%1 is not a regular file; it is not replaced.").arg(m_path);
    if (!QDir().mkpath(info.absolutePath()))
        return tr("Cannot create the folder %1.").arg(info.absolutePath());
    QJsonArray list;
    for (const ServerProfile& p : profiles)
        list.append(p.toJson());
    const QByteArray bytes =
        QJsonDocument(QJsonObject {{QStringLiteral("schema_version"), schemaVersionFor(profiles)},
                                   {QStringLiteral("profiles"), list}})
            .toJson(QJsonDocument::Indented);
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return tr("Cannot write %1: %2").arg(m_path, file.errorString());
    // Host and user names are nobody else's business.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (file.write(bytes) != bytes.size() || !file.commit())
        return tr("Cannot write %1: %2").arg(m_path, file.errorString());
    m_diskHash = sha256(bytes);
    return {};
}

QString ProfileStore::modify(const std::function<QString(QList<ServerProfile>&)>& change)
{
    if (isReadOnly())
        return m_readOnlyReason;
    const QString folder = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(folder))
        return tr("Cannot create the folder %1.").arg(folder);
    QLockFile lock(m_path + QStringLiteral(".lock"));
    lock.setStaleLockTime(StaleLockMs);
    if (!lock.tryLock(LockWaitMs))
        return tr("Another Mailscope is saving profiles (%1.lock); try again.").arg(m_path);
    DiskState state;
    if (!readDisk(&state))
        return m_readOnlyReason;
    const QByteArray hash = state.exists && state.size <= MaxFileBytes ? sha256(state.bytes) : QByteArray();
    if (hash != m_diskHash || (state.exists && hash.isEmpty())) {
        // Another instance saved since this one read: change its version, not ours.
        adopt(state);
        if (isReadOnly())
            return m_readOnlyReason;
        m_notices.append(
            {StoreNotice::Kind::Reloaded,
             tr("%1 was changed by another Mailscope; its version was read before saving.").arg(m_path),
             m_path});
    }
    QList<ServerProfile> next = m_profiles;
    const QString refused = change(next);
    if (!refused.isEmpty())
        return refused;
    const QString error = write(next);
    if (!error.isEmpty())
        return error;
    m_profiles = next;
    m_needsWrite = false;
    return {};
}

QString ProfileStore::add(ServerProfile& profile)
{
    const QString problem = profile.validate();
    if (!problem.isEmpty())
        return problem;
    ServerProfile p = profile;
    p.id = ServerProfile::newId();
    p.revision = 1;
    p.createdAt = p.updatedAt = QDateTime::currentDateTimeUtc();
    return insert(profile, p);
}

QString ProfileStore::restore(ServerProfile& profile)
{
    const QString problem = profile.validate();
    if (!problem.isEmpty())
        return problem;
    ServerProfile p = profile;
    if (p.id.isEmpty())
        p.id = ServerProfile::newId();
    p.revision = 1;
    p.updatedAt = QDateTime::currentDateTimeUtc();
    if (!p.createdAt.isValid())
        p.createdAt = p.updatedAt;
    return insert(profile, p);
}

QString ProfileStore::insert(ServerProfile& profile, ServerProfile& p)
{
    const QString error = modify([&p](QList<ServerProfile>& list) {
        if (list.size() >= MaxProfiles)
            return tr("There are already %1 profiles, the most Mailscope keeps.").arg(MaxProfiles);
        for (const ServerProfile& other : std::as_const(list)) {
            if (other.name == p.name)
                return tr("A profile named \"%1\" exists already.").arg(p.name);
        }
        for (const ServerProfile& other : std::as_const(list)) {
            if (other.id == p.id) {
                p.id = ServerProfile::newId();
                p.passwordStored = false; // the keychain entry belongs to the other profile
            }
        }
        list.append(p);
        return QString();
    });
    if (error.isEmpty())
        profile = p;
    return error;
}

QString ProfileStore::update(ServerProfile& profile)
{
    const QString problem = profile.validate();
    if (!problem.isEmpty())
        return problem;
    ServerProfile p = profile;
    const QString error = modify([&p](QList<ServerProfile>& list) {
        qsizetype at = -1;
        for (qsizetype i = 0; i < list.size(); ++i) {
            if (list.at(i).id == p.id)
                at = i;
            else if (list.at(i).name == p.name)
                return tr("A profile named \"%1\" exists already.").arg(p.name);
        }
        if (at < 0)
            return tr("The profile \"%1\" was deleted by another Mailscope.").arg(p.name);
        if (list.at(at).revision != p.revision)
            return tr("The profile \"%1\" was changed by another Mailscope since it was opened here; open it "
                      "again to see that change before saving yours.")
                .arg(list.at(at).name);
        p.revision += 1;
        p.createdAt = list.at(at).createdAt;
        p.updatedAt = QDateTime::currentDateTimeUtc();
        list[at] = p;
        return QString();
    });
    if (error.isEmpty())
        profile = p;
    return error;
}

QString ProfileStore::remove(const QString& id)
{
    return modify([&id](QList<ServerProfile>& list) {
        list.removeIf([&id](const ServerProfile& p) { return p.id == id; });
        return QString(); // already gone is fine: the user wanted it gone
    });
}

QString ProfileStore::addAll(QList<ServerProfile>& profiles, QStringList* renamed)
{
    for (const ServerProfile& p : std::as_const(profiles)) {
        const QString problem = p.validate();
        if (!problem.isEmpty())
            return problem;
    }
    QList<ServerProfile> added = profiles;
    QStringList renames;
    const QString error = modify([&added, &renames](QList<ServerProfile>& list) {
        if (list.size() + added.size() > MaxProfiles)
            return tr("That would make more than %1 profiles, the most Mailscope keeps.").arg(MaxProfiles);
        QSet<QString> taken;
        for (const ServerProfile& p : std::as_const(list))
            taken.insert(p.name);
        renames.clear();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (ServerProfile& p : added) {
            const QString original = p.name;
            for (int n = 2; taken.contains(p.name); ++n)
                p.name =
                    QStringLiteral("%1 (%2)").arg(original.left(ServerProfile::MaxNameLength - 8)).arg(n);
            if (p.name != original)
                renames.append(tr("\"%1\" was saved as \"%2\"").arg(original, p.name));
            taken.insert(p.name);
            p.id = ServerProfile::newId();
            p.revision = 1;
            p.passwordStored = false; // the secret, if any, is in another keychain
            p.createdAt = p.updatedAt = now;
            list.append(p);
        }
        return QString();
    });
    if (error.isEmpty()) {
        profiles = added;
        if (renamed)
            *renamed = renames;
    }
    return error;
}

QByteArray ProfileStore::exportJson(const QList<ServerProfile>& profiles)
{
    QJsonArray list;
    for (ServerProfile p : profiles) {
        p.passwordStored = false;
        QJsonObject o = p.toJson();
        o.remove(QStringLiteral("id"));
        o.remove(QStringLiteral("revision"));
        list.append(o);
    }
    return QJsonDocument(QJsonObject {
                             {QStringLiteral("schema_version"), schemaVersionFor(profiles)},
                             {QStringLiteral("exported_by"), QStringLiteral("Mailscope " MAILSCOPE_VERSION)},
                             {QStringLiteral("profiles"), list},
                         })
        .toJson(QJsonDocument::Indented);
}
