using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Portique.Orchestration;

/// <summary>
/// A Linux packet socket (<c>AF_PACKET</c>, raw) on one interface for ARP frames only: what <see cref="PrivateBridge"/>
/// needs to ask for and announce link-layer addresses on its bridge, without a program per distribution (arping's
/// options differ between iputils and busybox). Needs CAP_NET_RAW, which Portique has as root.
/// </summary>
internal sealed class LinkLayerSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly InterfaceEndPoint _endPoint;

    public LinkLayerSocket(int interfaceIndex)
    {
        _endPoint = new InterfaceEndPoint(interfaceIndex, ArpPacket.EtherType);
        _socket = new Socket(AddressFamily.Packet, SocketType.Raw, ProtocolType.Raw);
        try
        {
            _socket.Bind(_endPoint);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    public async Task SendAsync(ArpPacket packet, CancellationToken cancellationToken) =>
        await _socket.SendToAsync(packet.ToFrame(), SocketFlags.None, _endPoint, cancellationToken);

    /// <summary>The first ARP packet received that <paramref name="wanted"/> accepts before <paramref name="timeout"/>, or null.</summary>
    public async Task<ArpPacket?> ReceiveAsync(Func<ArpPacket, bool> wanted, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var buffer = new byte[1600];
        try
        {
            while (true)
            {
                var length = await _socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                if (ArpPacket.TryParse(buffer.AsSpan(0, length)) is { } packet && wanted(packet))
                {
                    return packet;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>
    /// <c>struct sockaddr_ll</c>: family, protocol (network order), interface index; the destination address is the
    /// frame's own (broadcast), so the rest stays zero.
    /// </summary>
    private sealed class InterfaceEndPoint(int interfaceIndex, ushort protocol) : EndPoint
    {
        private const int Size = 20;

        public override AddressFamily AddressFamily => AddressFamily.Packet;

        public override SocketAddress Serialize()
        {
            var address = new SocketAddress(AddressFamily.Packet, Size);
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt16BigEndian(bytes, protocol);
            address[2] = bytes[0];
            address[3] = bytes[1];
            BitConverter.TryWriteBytes(bytes, interfaceIndex);
            for (var i = 0; i < 4; i++)
            {
                address[4 + i] = bytes[i];
            }

            return address;
        }

        public override EndPoint Create(SocketAddress socketAddress) => this;
    }
}
