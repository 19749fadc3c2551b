export default function MapScreen() {
  return <div class="map-screen">The plume map</div>;
}
