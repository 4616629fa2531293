#include "knowledge/tags.h"

namespace portlens {

namespace {

constexpr TagInfo kTags[] = {
    {"amplification", {"DDoS amplification", "DDoS 放大"}},
    {"auth", {"authentication", "认证"}},
    {"backup", {"backup", "备份"}},
    {"cache", {"cache", "缓存"}},
    {"chat", {"chat", "聊天"}},
    {"cleartext", {"cleartext", "明文传输"}},
    {"container", {"containers", "容器"}},
    {"database", {"database", "数据库"}},
    {"dev", {"development", "开发"}},
    {"directory", {"directory", "目录服务"}},
    {"discovery", {"discovery", "发现协议"}},
    {"encrypted", {"encrypted", "加密"}},
    {"file-sharing", {"file sharing", "文件共享"}},
    {"file-transfer", {"file transfer", "文件传输"}},
    {"game", {"games", "游戏"}},
    {"industrial", {"industrial control", "工控"}},
    {"iot", {"IoT", "物联网"}},
    {"legacy", {"legacy", "过时"}},
    {"mail", {"mail", "邮件"}},
    {"malware", {"malware", "恶意软件"}},
    {"media", {"media", "媒体"}},
    {"message-broker", {"message broker", "消息队列"}},
    {"monitoring", {"monitoring", "监控"}},
    {"name-service", {"name service", "名称服务"}},
    {"orchestration", {"orchestration", "编排"}},
    {"p2p", {"peer-to-peer", "点对点"}},
    {"printing", {"printing", "打印"}},
    {"proxy", {"proxy", "代理"}},
    {"remote-admin", {"remote administration", "远程管理"}},
    {"remote-desktop", {"remote desktop", "远程桌面"}},
    {"reserved", {"reserved", "保留"}},
    {"routing", {"routing", "路由"}},
    {"rpc", {"RPC", "远程过程调用"}},
    {"time", {"time", "时间"}},
    {"voip", {"VoIP", "网络电话"}},
    {"vpn", {"VPN", "VPN"}},
    {"web", {"web", "网页"}},
    {"windows", {"Windows", "Windows"}},
};

}  // namespace

std::span<const TagInfo> all_tags() { return kTags; }

const TagInfo* find_tag(std::string_view name) {
  for (const TagInfo& tag : kTags) {
    if (tag.name == name) return &tag;
  }
  return nullptr;
}

}  // namespace portlens
