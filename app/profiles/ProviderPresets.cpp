#include "ProviderPresets.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
QString tr(const char* text) { return QCoreApplication::translate("ProviderPresets", text); }
} // namespace

QList<ProviderPreset> ProviderPresets::all()
{
    static const QList<ProviderPreset> presets = [] {
        QList<ProviderPreset> list;
        QFile file(QStringLiteral(":/profiles/presets.json"));
        if (!file.open(QIODevice::ReadOnly))
            return list; // a build without the resource: no presets, not a crash
        const QJsonArray providers =
            QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("providers")).toArray();
        for (const QJsonValue& v : providers) {
            const QJsonObject o = v.toObject();
            ProviderPreset p;
            p.id = o.value(QStringLiteral("id")).toString();
            p.name = o.value(QStringLiteral("name")).toString();
            p.docs = o.value(QStringLiteral("docs")).toString();
            p.note = o.value(QStringLiteral("note")).toString();
            p.user = o.value(QStringLiteral("user")).toString();
            for (const QJsonValue& s : o.value(QStringLiteral("services")).toArray()) {
                const QJsonObject so = s.toObject();
                PresetService service;
                service.key = so.value(QStringLiteral("service")).toString();
                service.protocol = protocolFromString(so.value(QStringLiteral("protocol")).toString())
                                       .value_or(Protocol::Smtp);
                service.tls =
                    tlsModeFromString(so.value(QStringLiteral("tls")).toString()).value_or(TlsMode::StartTls);
                service.host = so.value(QStringLiteral("host")).toString();
                service.port = quint16(so.value(QStringLiteral("port")).toInt());
                p.services.append(service);
            }
            list.append(p);
        }
        return list;
    }();
    return presets;
}

std::optional<ServerProfile> ProviderPresets::profileFor(const QString& spec, const QString& name,
                                                         QString* error)
{
    const QString id = spec.section(QLatin1Char(':'), 0, 0).toLower();
    const QString serviceKey = spec.section(QLatin1Char(':'), 1).toLower();
    QStringList ids;
    for (const ProviderPreset& preset : all()) {
        ids.append(preset.id);
        if (preset.id != id)
            continue;
        QStringList keys;
        for (const PresetService& s : preset.services) {
            keys.append(s.key);
            if (!serviceKey.isEmpty() && s.key != serviceKey)
                continue;
            ServerProfile p;
            p.name = name;
            p.host = s.host;
            p.port = s.port;
            p.protocol = s.protocol;
            p.tls = s.tls;
            p.user = preset.user;
            p.notes = QStringLiteral("%1 (%2). %3").arg(preset.name, preset.docs, preset.note);
            return p;
        }
        *error = tr("The preset %1 has no service \"%2\"; it has: %3.")
                     .arg(preset.id, serviceKey, keys.join(QStringLiteral(", ")));
        return std::nullopt;
    }
    *error = tr("No preset \"%1\". Presets: %2.").arg(id, ids.join(QStringLiteral(", ")));
    return std::nullopt;
}
