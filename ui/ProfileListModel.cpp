#include "ProfileListModel.h"

#include "profiles/ProfileStore.h"
#include "UiStyle.h"

ProfileListModel::ProfileListModel(ProfileStore* store, QObject* parent)
    : QAbstractListModel(parent)
    , m_store(store)
{
    reload();
}

void ProfileListModel::reload()
{
    beginResetModel();
    m_profiles = m_store->profiles();
    endResetModel();
}

std::optional<ServerProfile> ProfileListModel::profileAt(int row) const
{
    if (row < 0 || row >= m_profiles.size())
        return std::nullopt;
    return m_profiles.at(row);
}

int ProfileListModel::rowOf(const QString& id) const
{
    for (int i = 0; i < m_profiles.size(); ++i) {
        if (m_profiles.at(i).id == id)
            return i;
    }
    return -1;
}

int ProfileListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_profiles.size());
}

QVariant ProfileListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_profiles.size())
        return {};
    const ServerProfile& p = m_profiles.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return p.name;
    case Qt::ToolTipRole:
        if (p.isDomain())
            return p.demoDomain ? tr("Mail domain %1 (the demo's, no network)").arg(p.domain)
                                : tr("Mail domain %1: MX hosts, DANE, MTA-STS, TLS-RPT").arg(p.domain);
        return tr("%1 on %2, port %3").arg(displayName(p.protocol), p.host).arg(p.port);
    case Qt::AccessibleDescriptionRole:
        return p.isDomain() ? tr("Mail domain profile") : tr("Server profile");
    case Qt::DecorationRole:
        // Told apart at a glance: an envelope for a mail domain, the globe for a server.
        return UiStyle::icon(p.isDomain() ? QStringLiteral("mail-domain") : QStringLiteral("server-connect"));
    case IdRole:
        return p.id;
    case KindRole:
        return int(p.kind);
    case SearchRole:
        if (p.isDomain())
            return QStringList {p.name, p.domain, p.notes}.join(QLatin1Char('\n'));
        return QStringList {p.name, p.host, QString::number(p.port), p.notes}.join(QLatin1Char('\n'));
    default:
        return {};
    }
}

Qt::ItemFlags ProfileListModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QAbstractListModel::flags(index);
    if (index.isValid() && !m_store->isReadOnly())
        f |= Qt::ItemIsEditable;
    return f;
}

bool ProfileListModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || role != Qt::EditRole || index.row() >= m_profiles.size())
        return false;
    ServerProfile p = m_profiles.at(index.row());
    const QString name = value.toString().trimmed();
    if (name == p.name)
        return false;
    p.name = name;
    const QString error = m_store->update(p);
    if (!error.isEmpty()) {
        Q_EMIT renameFailed(error);
        return false;
    }
    m_profiles[index.row()] = p;
    Q_EMIT dataChanged(index, index);
    Q_EMIT renamed(p.id);
    return true;
}
